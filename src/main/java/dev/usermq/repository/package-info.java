/**
 * The repository layer shared by the MQ routes and the gRPC service: table models, Redis, outbound
 * events and clients of other services, built in one place.
 */
package dev.usermq.repository;
