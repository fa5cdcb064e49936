// The atlas map: Natural Earth country shapes (no tile server), a choropleth of the partnerships
// matching the current search, local governments as clustered points, and lines from a selected
// local government to its partners. The data comes from the same URL parameters as the page.
(function () {
  "use strict";
  var COLOURS = ["#f7fbff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];

  function colour(count, max) {
    if (!count) { return COLOURS[0]; }
    var step = Math.ceil(Math.log(count + 1) / Math.log(max + 1) * (COLOURS.length - 1));
    return COLOURS[Math.max(1, Math.min(COLOURS.length - 1, step))];
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(url + ": " + response.status); }
      return response.json();
    });
  }

  // Names reach Leaflet as DOM nodes holding text, never as strings: Leaflet puts a string in
  // innerHTML, and an organisation's name is whatever its editors typed.
  function text(tag, content) {
    var node = document.createElement(tag);
    node.textContent = content;
    return node;
  }

  // "N partnerships" in the page language: the server gives each plural form (data-<name>-zero,
  // -one, -million, -other; the forms of French, English, Spanish and Portuguese differ only there).
  function counted(element, name, count) {
    var form = count === 0 ? "Zero" : count === 1 ? "One" : count % 1000000 === 0 ? "Million" : "Other";
    return element.dataset[name + form].replace("%(count)s", count.toLocaleString(document.documentElement.lang || undefined));
  }

  // A country of the choropleth: its partnerships (a party there). When the search already has a
  // country, another one narrows it to the partnerships with that partner country (FR then SN:
  // the French-Senegalese partnerships), rather than widening it to either country.
  function filterUrl(code) {
    var params = new URLSearchParams(window.location.search);
    params.delete("page");
    params.delete("cursor");
    var countries = params.getAll("country");
    if (!countries.length) {
      params.append("country", code);
    } else if (countries.indexOf(code) === -1 && params.getAll("partner_country").indexOf(code) === -1) {
      params.append("partner_country", code);
    }
    return "?" + params.toString();
  }

  function start(element) {
    var map = L.map(element, { worldCopyJump: true, minZoom: 1, maxZoom: 10, zoomSnap: 0.5 }).setView([20, 10], 1.5);
    // Other apps' layers (matching: offers and requests) attach to the map through this.
    element.coopdecMap = map;
    element.dispatchEvent(new CustomEvent("coopdec:map", { detail: map }));
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, { maxZoom: 18 }).addTo(map);
    }
    var networkBase = element.dataset.networkUrl;
    var links = L.layerGroup().addTo(map);

    function showNetwork(id, marker) {
      getJSON(networkBase.replace("/0.geojson", "/" + id + ".geojson")).then(function (data) {
        links.clearLayers();
        L.geoJSON(data, {
          style: { color: "#c0392b", weight: 1.5, opacity: 0.8 },
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, { radius: feature.properties.role === "self" ? 7 : 5, color: "#c0392b", weight: 1, fillOpacity: 0.9 });
          },
          onEachFeature: function (feature, layer) {
            if (feature.properties.name) { layer.bindTooltip(text("span", feature.properties.name)); }
          }
        }).addTo(links);
        var self = data.features.filter(function (f) { return f.properties.role === "self"; })[0];
        if (self) {
          var box = document.createElement("div");
          box.appendChild(text("strong", self.properties.name));
          box.appendChild(text("div", counted(element, "partnerships", (data.features.length - 1) / 2)));
          if (self.properties.url) {
            var link = text("a", element.dataset.labelProfile);
            link.href = self.properties.url;
            box.appendChild(link);
          }
          marker.bindPopup(box).openPopup();
        }
      });
    }

    Promise.all([getJSON(element.dataset.shapesUrl), getJSON(element.dataset.mapUrl)]).then(function (results) {
      var shapes = window.coopdecShapes.countries(results[0]);
      var data = results[1];
      var max = 1;
      Object.keys(data.countries).forEach(function (key) { max = Math.max(max, data.countries[key]); });
      var countries = L.geoJSON(shapes, {
        style: function (feature) {
          return { fillColor: colour(data.countries[feature.id], max), fillOpacity: 1, color: "#8a9bab", weight: 0.5 };
        },
        onEachFeature: function (feature, layer) {
          var count = data.countries[feature.id] || 0;
          var name = feature.properties && feature.properties.name ? feature.properties.name : "";
          layer.bindTooltip(text("span", name + ": " + counted(element, "partnerships", count)), { sticky: true });
          var code = data.codes[feature.id];
          if (code && count) {
            layer.on("click", function () { window.location.href = filterUrl(code); });
          }
        }
      }).addTo(map);
      var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
      data.points.forEach(function (point) {
        var marker = L.circleMarker([point[1], point[2]], { radius: 4 + Math.min(6, Math.sqrt(point[3])), color: "#0b3c5d", weight: 1, fillColor: "#2a7ab0", fillOpacity: 0.85 });
        marker.on("click", function () { showNetwork(point[0], marker); });
        cluster.addLayer(marker);
      });
      map.addLayer(cluster);
      var legend = L.control({ position: "bottomleft" });
      legend.onAdd = function () {
        var box = L.DomUtil.create("div", "legend");
        box.appendChild(text("div", counted(element, "partnerships", data.partnerships)));
        if (data.points_total > data.points.length) {
          box.appendChild(text("div", counted(element, "more", data.points_total - data.points.length)));
        }
        return box;
      };
      legend.addTo(map);
      element.dataset.countriesDrawn = String(countries.getLayers().length);
      element.dataset.countriesFilled = String(Object.keys(data.countries).length);
      element.dataset.state = "ready";
    }).catch(function (error) {
      element.dataset.state = "error";
      element.appendChild(text("p", String(error)));
    });
  }

  var element = document.getElementById("atlas-map");
  if (element && window.L && window.coopdecShapes) { start(element); }
})();
