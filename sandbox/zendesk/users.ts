// Well-known users of the emulator (the Users API itself is in places.ts): an agent whose internal
// notes count for merges, beside the API user (an admin) and the default requester (an end user).
export const AGENT_USER_ID = 900002;
