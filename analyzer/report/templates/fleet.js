// The fleet page's machine list (filter, search, sort, pages) and search and sort on its other
// tables. Data comes from the page's own JSON block; every value is set as text, never as markup.
(function () {
  "use strict";
  var PAGE = 100;

  function text(value) { return value === null || value === undefined ? "" : String(value); }

  function compare(a, b, numeric) {
    if (numeric) {
      var x = a === null || a === "" ? -Infinity : Number(a), y = b === null || b === "" ? -Infinity : Number(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    return text(a).localeCompare(text(b), undefined, { numeric: true });
  }

  function machineList() {
    var holder = document.getElementById("machines-data");
    var table = document.getElementById("machine-table");
    if (!holder || !table) { return; }
    var data = JSON.parse(holder.textContent);
    var columns = data.columns, rows = data.rows;
    var index = {};
    columns.forEach(function (name, i) { index[name] = i; });
    var body = table.tBodies[0];
    var search = document.getElementById("machine-search");
    var status = document.getElementById("machine-status");
    var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
    var state = { page: 0, sort: index.bundle, descending: false };

    function matching() {
      var needle = search.value.trim().toLowerCase();
      var wanted = selects.map(function (s) { return [index[s.getAttribute("data-filter")], s.value]; })
        .filter(function (pair) { return pair[1] !== ""; });
      var numeric = columns[state.sort] === "confidence";
      var found = rows.filter(function (row) {
        for (var i = 0; i < wanted.length; i++) {
          if (text(row[wanted[i][0]]) !== wanted[i][1]) { return false; }
        }
        if (!needle) { return true; }
        return data.searchable.some(function (name) { return text(row[index[name]]).toLowerCase().indexOf(needle) >= 0; });
      });
      found.sort(function (a, b) {
        var order = compare(a[state.sort], b[state.sort], numeric) || compare(a[index.bundle], b[index.bundle], false);
        return state.descending ? -order : order;
      });
      return found;
    }

    function cell(row, name) {
      var td = document.createElement("td");
      var value = row[index[name]];
      if (name === "bundle" && row[index.link]) {
        var a = document.createElement("a");
        a.href = row[index.link];
        a.textContent = text(value);
        td.appendChild(a);
        td.className = "mono";
      } else if (name === "confidence") {
        td.textContent = value === null ? "—" : Number(value).toFixed(2);
        td.className = "num";
      } else {
        td.textContent = text(value) || "—";
        if (name === "error" && value) { td.className = "problem"; }
      }
      return td;
    }

    function render() {
      var found = matching();
      var pages = Math.max(1, Math.ceil(found.length / PAGE));
      state.page = Math.min(state.page, pages - 1);
      var start = state.page * PAGE, shown = found.slice(start, start + PAGE);
      var fragment = document.createDocumentFragment();
      shown.forEach(function (row) {
        var tr = document.createElement("tr");
        data.shown.forEach(function (name) { tr.appendChild(cell(row, name)); });
        fragment.appendChild(tr);
      });
      while (body.firstChild) { body.removeChild(body.firstChild); }
      body.appendChild(fragment);
      status.textContent = found.length
        ? "Machines " + (start + 1) + "–" + (start + shown.length) + " of " + found.length +
          (found.length !== rows.length ? " (filtered from " + rows.length + ")" : "") + ", page " + (state.page + 1) + " of " + pages
        : "No machine matches (of " + rows.length + ").";
      document.getElementById("machine-prev").disabled = state.page === 0;
      document.getElementById("machine-next").disabled = state.page >= pages - 1;
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
        var key = index[th.getAttribute("data-key")];
        th.setAttribute("aria-sort", key === state.sort ? (state.descending ? "descending" : "ascending") : "none");
      });
    }

    search.addEventListener("input", function () { state.page = 0; render(); });
    selects.forEach(function (s) { s.addEventListener("change", function () { state.page = 0; render(); }); });
    document.getElementById("machine-prev").addEventListener("click", function () { state.page -= 1; render(); });
    document.getElementById("machine-next").addEventListener("click", function () { state.page += 1; render(); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.classList.add("sortable");
      th.tabIndex = 0;
      function sort() {
        var key = index[th.getAttribute("data-key")];
        state.descending = state.sort === key ? !state.descending : false;
        state.sort = key;
        render();
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
    });
    // `#machines?root_cause=storage-check-slow&q=win&sort=confidence&desc=1&page=2`: a view to link to.
    function fromHash() {
      var hash = location.hash, mark = hash.indexOf("?");
      if (hash.indexOf("#machines") !== 0 || mark < 0) { return false; }
      var params = new URLSearchParams(hash.slice(mark + 1));
      selects.forEach(function (s) {
        var wanted = params.get(s.getAttribute("data-filter")) || "";
        s.value = Array.prototype.some.call(s.options, function (o) { return o.value === wanted; }) ? wanted : "";
      });
      search.value = params.get("q") || "";
      if (params.get("sort") in index) { state.sort = index[params.get("sort")]; }
      state.descending = params.get("desc") === "1";
      state.page = Math.max(0, (parseInt(params.get("page"), 10) || 1) - 1);
      return true;
    }
    window.addEventListener("hashchange", function () {
      if (fromHash()) { render(); document.getElementById("machines").scrollIntoView(); }
    });
    document.getElementById("machine-controls").hidden = false;
    fromHash();
    render();
  }

  function searchableTables() {
    document.querySelectorAll("table.searchable").forEach(function (table) {
      var input = document.createElement("input");
      input.type = "search";
      input.placeholder = "Search this table";
      input.className = "table-search";
      input.setAttribute("aria-label", "Search this table");
      table.parentNode.insertBefore(input, table);
      var body = table.tBodies[0];
      input.addEventListener("input", function () {
        var needle = input.value.trim().toLowerCase();
        Array.prototype.forEach.call(body.rows, function (tr) {
          tr.hidden = needle !== "" && tr.textContent.toLowerCase().indexOf(needle) < 0;
        });
      });
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
        th.classList.add("sortable");
        var descending = false;
        th.addEventListener("click", function () {
          var numeric = th.classList.contains("num");
          var rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (a, b) {
            var order = compare(a.cells[column].textContent.trim(), b.cells[column].textContent.trim(), numeric);
            return descending ? -order : order;
          });
          rows.forEach(function (tr) { body.appendChild(tr); });
          th.setAttribute("aria-sort", descending ? "descending" : "ascending");
          descending = !descending;
        });
      });
    });
  }

  machineList();
  searchableTables();
})();
