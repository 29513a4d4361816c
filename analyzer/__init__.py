"""sccache-forensics: post-mortem of failed builds that use the sccache compilation cache."""

__version__ = "0.1.0"
TOOL_NAME = "sccache-forensics"
