/** Health indicators of the service's own dependencies, for the readiness group of the probes. */
package dev.usermq.health;
