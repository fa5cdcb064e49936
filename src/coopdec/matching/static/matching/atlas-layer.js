/* Offers and requests of partnership as two map layers of the atlas (toggled in the layer control).
   Reads /matching/map/offers.json and /matching/map/requests.json with the atlas' own filters. */
(function () {
  "use strict";
  var config = document.getElementById("matching-layer");
  var element = document.getElementById("atlas-map");
  if (!config || !element || !window.L) { return; }

  function filters() {
    var atlas = new URLSearchParams(window.location.search);
    var params = new URLSearchParams();
    ["q", "country", "continent", "axis"].forEach(function (name) {
      var value = atlas.get(name);
      if (value) { params.set(name, value); }
    });
    return params.toString();
  }

  function layer(url, colour, detailBase) {
    var group = L.layerGroup();
    fetch(url + "?" + filters(), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        data.results.forEach(function (point) {
          var marker = L.circleMarker([point.latitude, point.longitude], { radius: 6, color: colour, weight: 2, fillOpacity: 0.4 });
          var box = document.createElement("div");
          var link = document.createElement("a");
          link.href = detailBase.replace("/0/", "/" + point.id + "/");
          link.textContent = point.title;
          var who = document.createElement("div");
          who.textContent = point.organisation;
          box.appendChild(link);
          box.appendChild(who);
          marker.bindPopup(box);
          group.addLayer(marker);
        });
      });
    return group;
  }

  function attach(map) {
    var overlays = {};
    overlays[config.dataset.labelOffers] = layer(config.dataset.offersUrl, "#c2410c", config.dataset.offerDetail);
    overlays[config.dataset.labelRequests] = layer(config.dataset.requestsUrl, "#6d28d9", config.dataset.requestDetail);
    L.control.layers(null, overlays, { collapsed: false, position: "topright" }).addTo(map);
  }

  if (element.coopdecMap) { attach(element.coopdecMap); }
  else { element.addEventListener("coopdec:map", function (event) { attach(event.detail); }, { once: true }); }
})();
