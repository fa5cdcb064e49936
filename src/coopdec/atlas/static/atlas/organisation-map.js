// The small map of an organisation's profile page: the organisation, its partners and the lines
// between them, over Natural Earth country shapes (no tile server). Data: the atlas' GeoJSON.
(function () {
  "use strict";
  var element = document.getElementById("organisation-map");
  if (!element || !window.L || !element.dataset.geojsonUrl) { return; }
  if (!element.offsetHeight) { element.style.height = "18rem"; }
  var map = L.map(element, { worldCopyJump: true, minZoom: 1, scrollWheelZoom: false }).setView([20, 10], 1);
  if (element.dataset.tileUrl) { L.tileLayer(element.dataset.tileUrl, { maxZoom: 18 }).addTo(map); }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }
  var shapes = element.dataset.shapesUrl && window.coopdecShapes ? getJSON(element.dataset.shapesUrl) : Promise.resolve(null);
  Promise.all([shapes, getJSON(element.dataset.geojsonUrl)]).then(function (results) {
    if (results[0]) {
      L.geoJSON(window.coopdecShapes.countries(results[0]), {
        style: { fillColor: "#f4f1ea", fillOpacity: 1, color: "#a9b4bf", weight: 0.5 }, interactive: false
      }).addTo(map);
    }
    var data = results[1];
    var self = data.features.filter(function (f) { return f.properties && f.properties.role === "self"; })[0];
    var hasLines = data.features.some(function (f) { return f.geometry && f.geometry.type === "LineString"; });
    if (self && !hasLines) {  // points only: draw the lines from the organisation to each partner
      data.features.forEach(function (f) {
        if (f.properties && f.properties.role === "partner") {
          data.features.push({ type: "Feature", properties: { role: "link" },
            geometry: { type: "LineString", coordinates: [self.geometry.coordinates, f.geometry.coordinates] } });
        }
      });
    }
    var layer = L.geoJSON(data, {
      style: { color: "#c0392b", weight: 1.5 },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: feature.properties.role === "self" ? 7 : 5, color: "#0b3c5d", weight: 1, fillColor: feature.properties.role === "self" ? "#c0392b" : "#2a7ab0", fillOpacity: 0.9 });
      },
      onEachFeature: function (feature, item) {
        if (!feature.properties.name) { return; }
        if (feature.properties.url && feature.properties.role === "partner") {
          var link = document.createElement("a");
          link.href = feature.properties.url;
          link.textContent = feature.properties.name;
          item.bindPopup(link);
        } else {
          var label = document.createElement("span");  // text, never markup: Leaflet would parse a string
          label.textContent = feature.properties.name;
          item.bindTooltip(label);
        }
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds.pad(0.3), { maxZoom: 6 }); }
    element.dataset.state = "ready";
  }).catch(function () { element.dataset.state = "error"; });
})();
