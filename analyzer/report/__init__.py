"""Reports: the JSON contract (model.py) and one renderer per format."""
