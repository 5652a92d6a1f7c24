/**
 * Spring Boot auto-configuration of nohop: {@link io.nohop.spring.boot.NohopAutoConfiguration} and its
 * {@code nohop.*} properties ({@link io.nohop.spring.boot.NohopProperties}).
 */
package io.nohop.spring.boot;
