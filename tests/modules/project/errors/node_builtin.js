import readFile from "needs-fs";
