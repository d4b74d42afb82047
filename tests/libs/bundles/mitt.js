(() => {
  // node_modules/mitt/dist/mitt.mjs
  function mitt_default(n) {
    return { all: n = n || /* @__PURE__ */ new Map(), on: function(t, e) {
      var i = n.get(t);
      i ? i.push(e) : n.set(t, [e]);
    }, off: function(t, e) {
      var i = n.get(t);
      i && (e ? i.splice(i.indexOf(e) >>> 0, 1) : n.set(t, []));
    }, emit: function(t, e) {
      var i = n.get(t);
      i && i.slice().map(function(n2) {
        n2(e);
      }), (i = n.get("*")) && i.slice().map(function(n2) {
        n2(t, e);
      });
    } };
  }

  // entries/mitt.js
  var bus = mitt_default();
  var got = [];
  var h = (e) => got.push(e);
  bus.on("a", h);
  bus.on("*", (type, e) => got.push(type + ":" + e));
  bus.emit("a", 1);
  bus.off("a", h);
  bus.emit("a", 2);
  console.log(JSON.stringify(got));
})();
