"""Per-compile cache accounting from sccache's debug log.

With `SCCACHE_LOG=debug` the server writes, for every compile request, what it parsed, the
hash key it computed, whether the cache held that key and what became of the compile. This
package turns those lines into one row per request (`table.CompileLog`), says why the
misses missed (`summary`), and is what `compare` matches across two bundles.
"""

from analyzer.compiles.table import CompileLog, CompileRow

__all__ = ["CompileLog", "CompileRow"]
