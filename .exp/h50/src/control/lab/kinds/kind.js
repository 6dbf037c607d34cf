/** The environment of an emulated lab on the virtual clock. */
export const VIRTUAL_CLOCK_ENV = { wallClock: false };
/** The environment of a lab on the wall clock, with the loop's doorbell when there is one. */
export function wallClockEnv(doorbell) {
    return doorbell === undefined ? { wallClock: true } : { wallClock: true, doorbell };
}
//# sourceMappingURL=kind.js.map