(() => {
  // node_modules/nanoid/non-secure/index.js
  var customAlphabet = (alphabet, defaultSize = 21) => {
    return (size = defaultSize) => {
      let id2 = "";
      let i = size | 0;
      while (i-- > 0) {
        id2 += alphabet[Math.random() * alphabet.length | 0];
      }
      return id2;
    };
  };

  // entries/nanoid.js
  var id = customAlphabet("abc", 12)();
  console.log(id.length, [...id].every((c) => "abc".includes(c)));
})();
