/* Good practices as a layer of the atlas map (toggled in the layer control), placed at their first
   located local-government author. Reads /practices/map.json with the atlas' own filters. */
(function () {
  "use strict";
  var config = document.getElementById("practices-layer");
  var element = document.getElementById("atlas-map");
  if (!config || !element || !window.L) { return; }

  function filters() {
    var atlas = new URLSearchParams(window.location.search);
    var params = new URLSearchParams();
    ["q", "country", "partner_country", "continent", "axis", "sector", "sdg", "kind"].forEach(function (name) {
      atlas.getAll(name).forEach(function (value) { params.append(name, value); });
    });
    return params.toString();
  }

  function layer() {
    var group = L.layerGroup();
    fetch(config.dataset.pointsUrl + "?" + filters(), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        data.results.forEach(function (point) {
          var marker = L.circleMarker([point.latitude, point.longitude], { radius: 6, color: "#15803d", weight: 2, fillOpacity: 0.4 });
          var link = document.createElement("a");
          link.href = config.dataset.detail.replace("/0/", "/" + point.id + "/");
          link.textContent = point.title;  /* text, never markup */
          marker.bindPopup(link);
          group.addLayer(marker);
        });
      });
    return group;
  }

  function attach(map) {
    var overlays = {};
    overlays[config.dataset.label] = layer();
    L.control.layers(null, overlays, { collapsed: false, position: "topright" }).addTo(map);
  }

  if (element.coopdecMap) { attach(element.coopdecMap); }
  else { element.addEventListener("coopdec:map", function (event) { attach(event.detail); }, { once: true }); }
})();
