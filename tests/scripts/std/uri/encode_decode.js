// encodeURIComponent / decodeURIComponent / encodeURI / decodeURI, as the
// specification defines them (outputs checked against node).
const id = "../../admin";
// expect: ..%2F..%2Fadmin
console.log(encodeURIComponent(id));
// expect: /api/users/..%2F..%2Fadmin
console.log("/api/users/" + encodeURIComponent(id));
// expect: caf%C3%A9%20%26%20cr%C3%A8me%3F%3D%23
console.log(encodeURIComponent("café & crème?=#"));
// expect: -_.!~*'()
console.log(encodeURIComponent("-_.!~*'()"));
// expect: https://example.com/a%20b?q=1&r=%C3%A9#top
console.log(encodeURI("https://example.com/a b?q=1&r=é#top"));
// expect: café & crème?=#
console.log(decodeURIComponent("caf%C3%A9%20%26%20cr%C3%A8me%3F%3D%23"));
// decodeURI keeps the reserved characters encoded.
// expect: /a b%2Fc%3F
console.log(decodeURI("/a%20b%2Fc%3F"));
// expect: 1 undefined true
console.log(encodeURIComponent.length, encodeURIComponent(), encodeURIComponent(undefined) === "undefined");
for (const bad of ["%", "%E0%A4%A", "%zz", "%C3%28", "%ED%A0%80"]) {
  try {
    decodeURIComponent(bad);
    console.log("decoded", bad);
  } catch (e) {
    // expect: URIError URI malformed true
    // expect: URIError URI malformed true
    // expect: URIError URI malformed true
    // expect: URIError URI malformed true
    // expect: URIError URI malformed true
    console.log(e.name, e.message, e instanceof URIError);
  }
}
