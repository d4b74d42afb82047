const roles = ["admin", "editor"];
console.log(roles.includes("admin"), roles.includes("Admin"), roles.indexOf("editor"), roles.concat("viewer").includes("viewer"));

// expect: true false 1 true
