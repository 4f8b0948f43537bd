/**
 * Command-line tools bundled in the jar; {@code validate-routes} checks the YAML route files
 * without starting the service.
 */
package dev.usermq.tools;
