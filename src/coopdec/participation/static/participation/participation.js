// Participation pages: the map of a space's proposals (and, on the proposal form, a click on the
// map fills in the latitude and longitude fields), and the running total of a ballot. Names reach
// Leaflet as DOM text nodes, never as markup: a proposal's title is whatever its author typed.
(function () {
  "use strict";

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    });
  }

  function link(feature) {
    var node = document.createElement(feature.properties.url ? "a" : "span");
    if (feature.properties.url) { node.href = feature.properties.url; }
    node.textContent = feature.properties.name || "";
    return node;
  }

  function startMap(element) {
    var map = L.map(element, { worldCopyJump: true, minZoom: 1, scrollWheelZoom: false }).setView([20, 0], 2);
    if (element.dataset.tileUrl) { L.tileLayer(element.dataset.tileUrl, { maxZoom: 18 }).addTo(map); }
    var shapes = element.dataset.shapesUrl && window.coopdecShapes ? getJSON(element.dataset.shapesUrl) : Promise.resolve(null);
    var marker = null;
    var latField = document.getElementById("id_latitude");
    var lonField = document.getElementById("id_longitude");
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    }
    if (element.dataset.pick && latField && lonField) {
      if (latField.value && lonField.value) { place([parseFloat(latField.value), parseFloat(lonField.value)]); }
      map.on("click", function (event) {
        latField.value = event.latlng.lat.toFixed(5);
        lonField.value = L.Util.wrapNum(event.latlng.lng, [-180, 180], true).toFixed(5);
        place(event.latlng);
      });
    }
    Promise.all([shapes, getJSON(element.dataset.geojsonUrl)]).then(function (results) {
      if (results[0]) {
        L.geoJSON(window.coopdecShapes.countries(results[0]), {
          style: { fillColor: "#f4f1ea", fillOpacity: 1, color: "#a9b4bf", weight: 0.5 }, interactive: false
        }).addTo(map);
      }
      var layer = L.geoJSON(results[1], {
        pointToLayer: function (feature, latlng) {
          var territory = feature.properties.role === "territory";
          return L.circleMarker(latlng, {
            radius: territory ? 8 : 6, color: "#0b3c5d", weight: 1,
            fillColor: territory ? "#2a7ab0" : "#c0392b", fillOpacity: territory ? 0.4 : 0.9
          });
        },
        onEachFeature: function (feature, item) {
          if (element.dataset.pick) { item.bindTooltip(link({ properties: { name: feature.properties.name } })); }
          else { item.bindPopup(link(feature)); }
        }
      }).addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds.pad(0.4), { maxZoom: 10 }); }
      element.dataset.state = "ready";
    }).catch(function () { element.dataset.state = "error"; });
  }

  var element = document.getElementById("participation-map");
  if (element && window.L && element.dataset.geojsonUrl) { startMap(element); }

  var ballot = document.getElementById("ballot");
  var total = document.getElementById("ballot-total");
  if (ballot && total) {
    var budget = parseFloat(ballot.dataset.budget);
    var format = function (n) { return n.toLocaleString(document.documentElement.lang || undefined, { maximumFractionDigits: 0 }); };
    var update = function () {
      var sum = 0;
      ballot.querySelectorAll("input[name=proposal]:checked").forEach(function (box) { sum += parseFloat(box.dataset.cost) || 0; });
      total.textContent = total.dataset.template.replace("%(total)s", format(sum)).replace("%(budget)s", format(budget)) +
        (sum > budget ? " " + total.dataset.over : "");
      total.classList.toggle("error", sum > budget);
    };
    ballot.addEventListener("change", update);
    update();
  }
})();
