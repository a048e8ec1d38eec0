package io.mallard.common.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.util.IPAddress;

/** The server certificate's SubjectAltNames: DNS names and IP addresses, loopback always included. */
final class SubjectAltNames {
    static final List<String> ALWAYS = List.of("localhost", "127.0.0.1", "::1");
    // Labels of letters, digits, '-' and '_' (container hostnames use '_'), optionally "*." first.
    private static final Pattern DNS_NAME =
            Pattern.compile("(\\*\\.)?[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");

    private SubjectAltNames() {}

    /**
     * Returns the names for {@code hostsOrIps} plus {@link #ALWAYS}, without duplicates. Blank
     * entries are skipped; an IPv6 address may be written in brackets.
     *
     * @throws IllegalArgumentException for an entry that is neither a DNS name nor an IP literal
     */
    static GeneralNames of(List<String> hostsOrIps) {
        Set<String> dnsNames = new LinkedHashSet<>();
        Set<InetAddress> addresses = new LinkedHashSet<>();
        List<String> all = new ArrayList<>(ALWAYS);
        all.addAll(hostsOrIps);
        for (String entry : all) {
            String name = entry.trim();
            if (name.startsWith("[") && name.endsWith("]")) {
                name = name.substring(1, name.length() - 1);
            }
            if (name.isEmpty()) {
                continue;
            }
            if (IPAddress.isValid(name)) {
                addresses.add(ipLiteral(name));
            } else {
                dnsNames.add(dnsName(entry, name));
            }
        }
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
        addresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(ip.getAddress()))));
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    private static InetAddress ipLiteral(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no DNS lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + literal, e);
        }
    }

    private static String dnsName(String entry, String name) {
        String dns = name.toLowerCase(Locale.ROOT);
        if (dns.endsWith(".")) {
            dns = dns.substring(0, dns.length() - 1);
        }
        if (dns.length() > 253 || !DNS_NAME.matcher(dns).matches()) {
            throw new IllegalArgumentException("not a host name or IP address: '" + entry + "'");
        }
        return dns;
    }
}
