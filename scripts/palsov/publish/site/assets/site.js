// palsov site: the reader's passages, the timeline's filters and the search box. Every page works without it.
"use strict";
(function () {
  function root() {
    var css = document.querySelector('link[rel="stylesheet"]').getAttribute("href");
    return css.slice(0, css.length - "assets/site.css".length);
  }

  // The source reader: selecting a passage shows the claims it supports.
  var panel = document.getElementById("reader-panel");
  if (panel) {
    var chosen = null;
    var show = function (quote) {
      if (chosen) chosen.classList.remove("chosen");
      chosen = quote;
      quote.classList.add("chosen");
      panel.textContent = "";
      var heading = document.createElement("h2");
      heading.textContent = "What this passage supports";
      panel.appendChild(heading);
      var list = document.createElement("ul");
      list.className = "claims";
      quote.getAttribute("data-quotes").split(" ").forEach(function (id) {
        var entry = document.getElementById("about-" + id);
        if (entry) {
          var item = entry.cloneNode(true);
          item.removeAttribute("id");
          list.appendChild(item);
        }
      });
      panel.appendChild(list);
      panel.hidden = false;
    };
    document.querySelectorAll("a.quote").forEach(function (quote) {
      quote.addEventListener("click", function (event) {
        event.preventDefault();
        show(quote);
      });
    });
    var target = location.hash.slice(1);
    if (target) {
      var anchor = document.getElementById(target);
      var next = anchor && anchor.nextElementSibling;
      while (next && !next.matches("a.quote")) next = next.nextElementSibling;
      if (next) show(next);
    }
  }

  // The timeline: filter the rows by actor and issue.
  var filters = document.getElementById("filters");
  if (filters) {
    var apply = function () {
      var shown = 0;
      var wanted = {};
      filters.querySelectorAll("select").forEach(function (select) {
        wanted[select.getAttribute("data-filter")] = select.value;
      });
      document.querySelectorAll("table.filterable tbody tr").forEach(function (row) {
        var keep = Object.keys(wanted).every(function (key) {
          if (!wanted[key]) return true;
          return (row.getAttribute("data-" + key) || "").split(" ").indexOf(wanted[key]) >= 0;
        });
        row.hidden = !keep;
        if (keep) shown += 1;
      });
      document.getElementById("filter-count").textContent = shown + " rows shown";
    };
    filters.addEventListener("change", apply);
  }

  // Search: the index the build wrote, matched on labels, other names and the source's spellings.
  var results = document.getElementById("search-results");
  if (results) {
    var box = document.getElementById("site-search");
    var query = new URLSearchParams(location.search).get("q") || "";
    box.value = query;
    // The index this page lists, for where fetch cannot read search.json (a copy opened from file://).
    var listed = function () {
      return Array.prototype.map.call(document.querySelectorAll("ul.search-index li"), function (item) {
        var link = item.querySelector("a");
        var names = item.getAttribute("data-names");
        var href = link.getAttribute("href");
        return { label: link.textContent, kind: item.getAttribute("data-kind"), names: names ? names.split("|") : [], href: href, iri: href };
      });
    };
    fetch(root() + "search.json").then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).catch(listed).then(function (index) {
      var run = function () {
        var wanted = box.value.trim().toLowerCase();
        results.textContent = "";
        if (!wanted) return;
        // Ranked as palsov search ranks: an exact name, then a name that starts with it, then one that contains it.
        var rank = function (entry) {
          var names = [entry.label].concat(entry.names).map(function (name) { return name.toLowerCase(); });
          if (names.indexOf(wanted) >= 0) return 0;
          if (names.some(function (name) { return name.indexOf(wanted) === 0; })) return 1;
          return names.some(function (name) { return name.indexOf(wanted) >= 0; }) ? 2 : 3;
        };
        var found = index.map(function (entry) { return [rank(entry), entry.label.toLowerCase(), entry.iri, entry]; })
          .filter(function (ranked) { return ranked[0] < 3; })
          .sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[2] < b[2] ? -1 : 1); })
          .map(function (ranked) { return ranked[3]; });
        var heading = document.createElement("h2");
        heading.textContent = found.length + " found for “" + box.value.trim() + "”";
        results.appendChild(heading);
        var list = document.createElement("ul");
        found.forEach(function (entry) {
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = root() + entry.href;
          link.textContent = entry.label;
          item.appendChild(link);
          item.appendChild(document.createTextNode(" (" + entry.kind + (entry.names.length ? "; also " + entry.names.join(", ") : "") + ")"));
          list.appendChild(item);
        });
        results.appendChild(list);
      };
      box.addEventListener("input", run);
      run();
    });
  }
})();
