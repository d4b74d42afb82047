(() => {
  // node_modules/just-diff/index.mjs
  function diff(obj1, obj2, pathConverter) {
    if (!obj1 || typeof obj1 != "object" || !obj2 || typeof obj2 != "object") {
      throw new Error("both arguments must be objects or arrays");
    }
    pathConverter || (pathConverter = function(arr) {
      return arr;
    });
    function getDiff({ obj1: obj12, obj2: obj22, basePath, basePathForRemoves, diffs: diffs2 }) {
      var obj1Keys = Object.keys(obj12);
      var obj1KeysLength = obj1Keys.length;
      var obj2Keys = Object.keys(obj22);
      var obj2KeysLength = obj2Keys.length;
      var path;
      var lengthDelta = obj12.length - obj22.length;
      if (trimFromRight(obj12, obj22)) {
        for (var i = 0; i < obj1KeysLength; i++) {
          var key = Array.isArray(obj12) ? Number(obj1Keys[i]) : obj1Keys[i];
          if (!(key in obj22)) {
            path = basePathForRemoves.concat(key);
            diffs2.remove.push({
              op: "remove",
              path: pathConverter(path)
            });
          }
        }
        for (var i = 0; i < obj2KeysLength; i++) {
          var key = Array.isArray(obj22) ? Number(obj2Keys[i]) : obj2Keys[i];
          pushReplaces({
            key,
            obj1: obj12,
            obj2: obj22,
            path: basePath.concat(key),
            pathForRemoves: basePath.concat(key),
            diffs: diffs2
          });
        }
      } else {
        for (var i = 0; i < lengthDelta; i++) {
          path = basePathForRemoves.concat(i);
          diffs2.remove.push({
            op: "remove",
            path: pathConverter(path)
          });
        }
        var obj1Trimmed = obj12.slice(lengthDelta);
        ;
        for (var i = 0; i < obj2KeysLength; i++) {
          pushReplaces({
            key: i,
            obj1: obj1Trimmed,
            obj2: obj22,
            path: basePath.concat(i),
            // since list of removes are reversed before presenting result,
            // we need to ignore existing parent removes when doing nested removes
            pathForRemoves: basePath.concat(i + lengthDelta),
            diffs: diffs2
          });
        }
      }
    }
    var diffs = { remove: [], replace: [], add: [] };
    getDiff({
      obj1,
      obj2,
      basePath: [],
      basePathForRemoves: [],
      diffs
    });
    return diffs.remove.reverse().concat(diffs.replace).concat(diffs.add);
    function pushReplaces({ key, obj1: obj12, obj2: obj22, path, pathForRemoves, diffs: diffs2 }) {
      var obj1AtKey = obj12[key];
      var obj2AtKey = obj22[key];
      if (!(key in obj12) && key in obj22) {
        var obj2Value = obj2AtKey;
        diffs2.add.push({
          op: "add",
          path: pathConverter(path),
          value: obj2Value
        });
      } else if (obj1AtKey !== obj2AtKey) {
        if (Object(obj1AtKey) !== obj1AtKey || Object(obj2AtKey) !== obj2AtKey || differentTypes(obj1AtKey, obj2AtKey)) {
          pushReplace(path, diffs2, obj2AtKey);
        } else {
          if (!Object.keys(obj1AtKey).length && !Object.keys(obj2AtKey).length && String(obj1AtKey) != String(obj2AtKey)) {
            pushReplace(path, diffs2, obj2AtKey);
          } else {
            getDiff({
              obj1: obj12[key],
              obj2: obj22[key],
              basePath: path,
              basePathForRemoves: pathForRemoves,
              diffs: diffs2
            });
          }
        }
      }
    }
    function pushReplace(path, diffs2, newValue) {
      diffs2.replace.push({
        op: "replace",
        path: pathConverter(path),
        value: newValue
      });
    }
  }
  function differentTypes(a, b) {
    return Object.prototype.toString.call(a) != Object.prototype.toString.call(b);
  }
  function trimFromRight(obj1, obj2) {
    var lengthDelta = obj1.length - obj2.length;
    if (Array.isArray(obj1) && Array.isArray(obj2) && lengthDelta > 0) {
      var leftMatches = 0;
      var rightMatches = 0;
      for (var i = 0; i < obj2.length; i++) {
        if (String(obj1[i]) === String(obj2[i])) {
          leftMatches++;
        } else {
          break;
        }
      }
      for (var j = obj2.length; j > 0; j--) {
        if (String(obj1[j + lengthDelta]) === String(obj2[j])) {
          rightMatches++;
        } else {
          break;
        }
      }
      return leftMatches >= rightMatches;
    }
    return true;
  }

  // entries/just-diff.js
  console.log(JSON.stringify(diff({ a: 1, b: { c: 2 }, d: [1, 2] }, { a: 1, b: { c: 3 }, d: [1], e: 4 })));
})();
