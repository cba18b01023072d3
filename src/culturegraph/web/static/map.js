// A Leaflet map without tiles (the pages work offline and load nothing from elsewhere): the marker on a
// plain background, a scale, and the coordinates as text next to the map (in the page itself).
(function () {
  "use strict";
  var el = document.getElementById("carte");
  if (!el || typeof L === "undefined") return;
  var lat = parseFloat(el.getAttribute("data-lat"));
  var lon = parseFloat(el.getAttribute("data-lon"));
  if (isNaN(lat) || isNaN(lon)) return;
  L.Icon.Default.imagePath = el.getAttribute("data-images") || (function () {
    var script = document.querySelector('script[src*="leaflet/leaflet.js"]');
    return script ? script.src.replace(/leaflet\.js.*$/, "images/") : "";
  })();
  var map = L.map(el, { center: [lat, lon], zoom: 13, attributionControl: false, keyboard: true });
  // Graticule every 0.01° so that zooming and panning show movement on the plain background.
  var lines = [];
  for (var d = -10; d <= 10; d++) {
    lines.push([[lat + d * 0.01, lon - 0.1], [lat + d * 0.01, lon + 0.1]]);
    lines.push([[lat - 0.1, lon + d * 0.01], [lat + 0.1, lon + d * 0.01]]);
  }
  L.polyline(lines, { color: "#9aa7b8", weight: 1, opacity: 0.6, interactive: false }).addTo(map);
  var label = el.getAttribute("data-label") || "";
  var popup = document.createElement("span");
  popup.textContent = label + " (" + lat.toFixed(5) + ", " + lon.toFixed(5) + ")";  // text, never HTML
  L.marker([lat, lon], { title: label, alt: label, keyboard: true }).addTo(map).bindPopup(popup);
  L.control.scale({ imperial: false }).addTo(map);
  el.classList.add("map-ready");
})();
