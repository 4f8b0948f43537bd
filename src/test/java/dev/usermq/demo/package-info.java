/** Sample traffic for local runs, behind the demo switch. */
package dev.usermq.demo;
