import semver from "semver";
console.log(semver.valid("1.2.3"), semver.gt("1.10.0", "1.9.9"), semver.satisfies("1.4.2", "^1.2.0"));
console.log(semver.inc("1.2.3", "minor"), semver.coerce("v2.x").version, semver.sort(["1.0.0", "0.9.1", "1.0.0-rc.1"]).join(" "));
