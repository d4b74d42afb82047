
console.log({ name: "a fairly long name value", email: "someone@example.com", roles: ["admin", "user"] });

// expect: {
// expect:   name: 'a fairly long name value',
// expect:   email: 'someone@example.com',
// expect:   roles: [ 'admin', 'user' ]
// expect: }
