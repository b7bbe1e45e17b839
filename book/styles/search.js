// The web edition's search: pagefind's index (built with the book, in
// pagefind/) and a small list of results under the box in the side bar.
// From a web server pagefind.js is imported and fetches its files; from
// a file (file://), where a browser refuses fetch() and import(), the
// same files come from pagefind/files.js (a plain script) and pagefind.js
// is imported from memory.  book/README.md ("Search") tells more.
(function () {
  "use strict";
  var root = new URL(".", location.href).href;   // the book's folder
  var base = root + "pagefind/";
  var loading = null;

  function loadScript(src) {
    return new Promise(function (ok, fail) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = ok;
      s.onerror = function () { fail(new Error("cannot load " + src)); };
      document.head.appendChild(s);
    });
  }

  function bytes(b64) {
    var s = atob(b64), a = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) a[i] = s.charCodeAt(i);
    return a;
  }

  // From a file: answer pagefind's fetches from window.BookSearchFiles.
  function fromMemory() {
    return loadScript(base + "files.js").then(function () {
      var files = window.BookSearchFiles, realFetch = window.fetch;
      window.fetch = function (input, init) {
        // pagefind asks for "/path/to/book/pagefind/..." (no file:)
        var url = new URL(String(input && input.url || input),
          location.href).href.split("?")[0];
        if (url.indexOf(base) === 0 && files[url.slice(base.length)]) {
          var type = /\.pagefind$/.test(url) ? "application/wasm"
            : "application/octet-stream";
          return Promise.resolve(new Response(
            bytes(files[url.slice(base.length)]),
            { status: 200, headers: { "Content-Type": type } }));
        }
        return realFetch.call(window, input, init);
      };
      var js = new Blob([bytes(files["pagefind.js"])],
        { type: "text/javascript" });
      return import(URL.createObjectURL(js));
    });
  }

  function pagefind() {
    if (!loading) {
      var fromFile = location.protocol === "file:";
      loading = (fromFile ? fromMemory() : import(base + "pagefind.js"))
        .then(function (pf) {
          return pf.options({ basePath: base, baseUrl: "/",
            noWorker: fromFile }).then(function () { return pf; });
        });
    }
    return loading;
  }

  // pagefind gives URLs from the book's top ("/ch03.html#sec-3.9"); the
  // book is one folder, so they are relative to it.
  function href(url) { return root + url.replace(/^\//, ""); }

  function show(list, results, query) {
    list.textContent = "";
    if (results.length === 0) {
      var none = document.createElement("li");
      none.textContent = "Nothing found for \u201c" + query + "\u201d.";
      list.appendChild(none);
      return;
    }
    results.forEach(function (r) {
      var li = document.createElement("li"), a = document.createElement("a");
      var p = document.createElement("p");
      a.href = href(r.url);
      a.textContent = r.meta && r.meta.title || r.url;
      p.innerHTML = r.excerpt;     // pagefind's excerpt: text and <mark>
      li.appendChild(a);
      li.appendChild(p);
      list.appendChild(li);
    });
  }

  var serial = 0;
  function search(input, list) {
    var query = input.value.trim(), mine = ++serial;
    if (query === "") { list.textContent = ""; return; }
    pagefind().then(function (pf) { return pf.search(query); })
      .then(function (found) {
        return Promise.all(found.results.slice(0, 10).map(function (r) {
          return r.data();
        }));
      })
      .then(function (data) { if (mine === serial) show(list, data, query); })
      .catch(function (e) {
        list.textContent = "Search failed: " + e.message;
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var input = document.getElementById("book-search");
    var list = document.getElementById("book-search-results");
    if (!input || !list) return;
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { search(input, list); }, 150);
    });
    window.bookSearch = function (q) {     // for book-check
      input.value = q;
      return pagefind().then(function (pf) { return pf.search(q); })
        .then(function (found) {
          return Promise.all(found.results.map(function (r) {
            return r.data();
          }));
        }).then(function (data) {
          show(list, data, q);
          return data.map(function (d) { return href(d.url); });
        });
    };
  });
})();
