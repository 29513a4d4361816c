"""The short "how to read this report" guide, one text for every format.

Roles and confidence are the two words a first-time reader stumbles over; the guide says what
each means and where to start, in the same words in HTML and Markdown.
"""

from __future__ import annotations

ANSWERS = ("The report answers two questions: did the build fail, and why; and is the cache doing its job, "
           "and if not, why. The verdict at the top is the answer that matters most, with the layer where "
           "the fault lives (your code, the toolchain, the sccache wrapper, the cache backend, the network, "
           "the environment), then the fix.")
ROLES = (
    ("root-cause", "the best explanation of the failure (or of the cache not working); fix this first"),
    ("contributing", "made the failure likelier or worse, but does not explain it alone"),
    ("symptom", "what you saw; explained by the root cause, goes away with it"),
    ("benign", "looks alarming, is normal here; shown folded so nobody chases it"),
)
CONFIDENCE = ("Confidence says how firmly the bundle supports a finding: strong when independent artifacts agree "
              "(a server log and a socket table, say), moderate when one artifact shows it clearly, weak when it "
              "is inferred; the report's \"missing\" list says what to collect to make it firmer.")
EVIDENCE = ("Every finding cites its evidence as file:line in the bundle. The timeline puts all sources on one "
            "clock; hollow markers are events whose time is estimated from their neighbours.")
