/** A test environment that fails while loading, like one missing its configuration. @module */
throw new Error("crash_env: missing required setting OPENENV_TEST_TOKEN");
