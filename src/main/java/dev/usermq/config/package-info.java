/** Typed configuration: every external endpoint and tunable, each with an environment form. */
package dev.usermq.config;
