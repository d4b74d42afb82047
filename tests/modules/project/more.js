import { first } from "./lib/hoist.js";
import cyc from "cyc";
console.log(first());
console.log(cyc.name, cyc.fromB, cyc.bSawA, cyc.member, cyc.mode);
