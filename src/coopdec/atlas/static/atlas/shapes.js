// Natural Earth country shapes (world-atlas TopoJSON) as GeoJSON for Leaflet, shared by the atlas
// map and the organisation map.
(function () {
  "use strict";
  var ANTARCTICA = "010";

  // Shapes crossing the antimeridian (Russia, Fiji) jump from +180 to -180 degrees; unwrap each
  // ring so that Leaflet does not draw a band across the whole map.
  function unwrapRing(ring) {
    for (var i = 1; i < ring.length; i++) {
      while (ring[i][0] - ring[i - 1][0] > 180) { ring[i][0] -= 360; }
      while (ring[i][0] - ring[i - 1][0] < -180) { ring[i][0] += 360; }
    }
  }

  function unwrap(feature) {
    var geometry = feature.geometry;
    if (!geometry) { return; }
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    polygons.forEach(function (polygon) { polygon.forEach(unwrapRing); });
  }

  window.coopdecShapes = {
    countries: function (topology) {
      var shapes = window.topojson.feature(topology, topology.objects.countries);
      shapes.features = shapes.features.filter(function (f) { return f.id !== ANTARCTICA; });
      shapes.features.forEach(unwrap);
      return shapes;
    }
  };
})();
