/** Business logic over the repository layer; shared by the MQ routes and the gRPC service. */
package dev.usermq.logic;
