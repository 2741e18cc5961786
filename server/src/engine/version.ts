/** The tool version reported in JSON and SARIF output; a test keeps it equal to package.json's. */
export const TOOL_VERSION = '0.1.0';
export const TOOL_NAME = 'log-warden';
