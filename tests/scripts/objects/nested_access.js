const o = { user: { profile: { name: "ann" } } };
console.log(o.user.profile.name, o["user"]["profile"]["name"]);
o.user.profile.name = "bea";
console.log(o.user.profile.name);

// expect: ann ann
// expect: bea
