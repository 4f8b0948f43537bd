/** Health of the service's dependencies, for the readiness probe and for pausing consumption. */
package dev.usermq.health;
