import x from "./nowhere.js";
