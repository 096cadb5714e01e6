#!/usr/bin/env node
const x: number = 1;
console.log("hello", process.version, x);
import { DatabaseSync } from "node:sqlite";
new DatabaseSync(":memory:");
