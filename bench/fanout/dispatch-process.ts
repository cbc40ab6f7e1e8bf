/**
 * One in-process dispatch figure, measured in a process of its own, printed
 * as JSON on stdout: `dispatch-process.ts <router|bridge|naive|selective|unselected> <size JSON>`.
 * A fresh process per system, so that no system's heap, garbage or compiled
 * code (nor the fan-out servers run before) weighs on another's CPU time.
 */
import {
  bridgeDispatch,
  naiveDispatch,
  routerFloor,
  selectiveDispatch,
  unselectedDispatch,
  type DispatchSize,
} from './dispatch';

const SYSTEMS = {
  router: routerFloor,
  bridge: bridgeDispatch,
  naive: naiveDispatch,
  selective: selectiveDispatch,
  unselected: unselectedDispatch,
};

const [system, size] = process.argv.slice(2);
if (system === undefined || !(system in SYSTEMS) || size === undefined) {
  process.stderr.write('usage: dispatch-process.ts <router|bridge|naive|selective|unselected> <size JSON>\n');
  process.exit(2);
}
const run = SYSTEMS[system as keyof typeof SYSTEMS];
process.stdout.write(JSON.stringify(run(JSON.parse(size) as DispatchSize)));
