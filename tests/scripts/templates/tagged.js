// Tagged templates: the tag gets the strings (frozen, with their raw text)
// and the substitutions; a member tag is called as a method; String.raw.
function tag(strings, ...subs) { return JSON.stringify({ strings, raw: strings.raw, subs, frozen: Object.isFrozen(strings) }); }
console.log(tag`a${1}b${"x"}c\n`);
console.log(String.raw`C:\path\to${1 + 1}\file`);
const o = { prefix: ">", m(s, v) { return this.prefix + s[0] + v; } };
console.log(o.m`value: ${42}`);
console.log(tag`\unicode bad`);
const html = (s, ...v) => s.reduce((acc, part, i) => acc + part + (i < v.length ? String(v[i]).toUpperCase() : ""), "");
console.log(html`<p>${"hi"}</p>`);

// expect: {"strings":["a","b","c\n"],"raw":["a","b","c\\n"],"subs":[1,"x"],"frozen":true}
// expect: C:\path\to2\file
// expect: >value: 42
// expect: {"strings":[null],"raw":["\\unicode bad"],"subs":[],"frozen":true}
// expect: <p>HI</p>
