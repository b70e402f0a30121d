export { createLease, defaultLeaseBucket, type Lease, type LeaseOptions } from "./lease.ts";
export { LeaseValue } from "./lease-value.ts";
