// YASGUI on the same server's /sparql, pre-loaded with the examples of queries/*.rq (config in the page).
(function () {
  "use strict";
  var holder = document.getElementById("yasgui");
  var configElement = document.getElementById("query-config");
  if (!holder || !configElement || typeof Yasgui === "undefined") return;
  var config = JSON.parse(configElement.textContent);
  var examples = config.examples || [];
  // The LOV autocompleters call an external API: keep only the local ones.
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  var yasgui = new Yasgui(holder, {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; } },
    persistenceId: "culturegraph-" + config.endpoint,
    yasqe: { value: examples.length ? examples[0].query : undefined },
  });
  // A restored tab may point at another endpoint (an older session): bring it back here.
  var tab = yasgui.getTab();
  if (tab && tab.getEndpoint() !== config.endpoint) tab.setEndpoint(config.endpoint);
  window.culturegraphYasgui = yasgui;

  // Result IRIs of ours open on the site being browsed (the canonical base may be another host).
  if (config.base && config.site && config.base !== config.site) {
    holder.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href]") : null;
      if (link && link.href.indexOf(config.base) === 0) {
        link.href = config.site + link.href.slice(config.base.length);
      }
    }, true);
  }

  Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (button) {
    var example = examples[Number(button.getAttribute("data-example"))];
    if (!example) return;
    button.hidden = false;
    var link = button.parentNode.querySelector("a.example-link");
    if (link) link.hidden = true;
    button.addEventListener("click", function () {
      var current = yasgui.getTab();
      current.setQuery(example.query);
      current.setName ? current.setName(example.title) : null;
      current.getYasqe().focus();
    });
  });
})();
