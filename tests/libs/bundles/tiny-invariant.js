(() => {
  // node_modules/tiny-invariant/dist/esm/tiny-invariant.js
  var isProduction = false;
  var prefix = "Invariant failed";
  function invariant(condition, message) {
    if (condition) {
      return;
    }
    if (isProduction) {
      throw new Error(prefix);
    }
    var provided = typeof message === "function" ? message() : message;
    var value = provided ? "".concat(prefix, ": ").concat(provided) : prefix;
    throw new Error(value);
  }

  // entries/tiny-invariant.js
  invariant(true, "never");
  try {
    invariant(false, "the value must be set");
  } catch (e) {
    console.log(e.name, e.message);
  }
})();
