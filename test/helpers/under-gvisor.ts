// Set up for the `gvisor` jest project: every test server and runner the attack suite starts
// runs its sandboxes under gVisor's runtime (see sandboxRuntimeUnderTest).
process.env.TEST_SANDBOX_RUNTIME = 'runsc';
