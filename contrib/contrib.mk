# contrib/: what `make install` puts beside the programs: configuration in $(sysconfdir)/vce,
# the dialplan, manual pages, the systemd unit, the fail2ban filter and jail, command-line tools.
# Generic on purpose: every modules/*/NAME.conf.sample (and daemon/*.conf.sample) is installed
# as $(sysconfdir)/vce/NAME.conf with a manual page NAME.conf(5); modules themselves install
# through mod_LTLIBRARIES, tools through bin_PROGRAMS or dist_bin_SCRIPTS.
vceconfdir = $(sysconfdir)/vce
fail2bandir = $(sysconfdir)/fail2ban
man5dir = $(mandir)/man5
VCE_CONF_SAMPLES = $(sort $(wildcard $(srcdir)/daemon/*.conf.sample $(srcdir)/modules/*/*.conf.sample))
VCE_DIALPLAN = $(sort $(wildcard $(srcdir)/dialplan/*.conf))

dist_bin_SCRIPTS = contrib/vce-statement

# Files with this build's paths filled in, made in gen/ of the build tree (a folder that is not
# distributed: `make dist` copies whole folders like contrib/ from the build tree too).
nodist_man8_MANS = gen/vced.8 gen/vcectl.8
nodist_systemdsystemunit_DATA = gen/vced.service
nodist_sbin_SCRIPTS = gen/vce-db-setup
CLEANFILES += $(nodist_man8_MANS) $(nodist_systemdsystemunit_DATA) $(nodist_sbin_SCRIPTS)
EXTRA_DIST += daemon/vced.conf.sample daemon/modules.conf.sample debian
VCE_SUBST = sed -e 's|@VCE_VERSION@|$(PACKAGE_VERSION)|g' -e 's|@VCECONFDIR@|$(vceconfdir)|g' \
	-e 's|@MODDIR@|$(moddir)|g' -e 's|@SQLDIR@|$(pkgdatadir)/sql|g' -e 's|@VCE_SBINDIR@|$(sbindir)|g'
gen/%.8: $(srcdir)/docs/man/%.8.in Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(VCE_SUBST) $< >$@.tmp && mv $@.tmp $@
gen/vced.service: $(srcdir)/contrib/systemd/vced.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(VCE_SUBST) $< >$@.tmp && mv $@.tmp $@
gen/vce-db-setup: $(srcdir)/contrib/vce-db-setup.in Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(VCE_SUBST) $< >$@.tmp && chmod +x $@.tmp && mv $@.tmp $@

# Configuration: an operator's file already in place is never overwritten (a fresh copy goes
# beside it as NAME.conf.dist); the Debian package's conffile handling does the same.
install-data-local: install-vce-conf
install-vce-conf:
	$(MKDIR_P) $(DESTDIR)$(vceconfdir) $(DESTDIR)$(man5dir) $(DESTDIR)$(fail2bandir)/filter.d $(DESTDIR)$(fail2bandir)/jail.d
	@set -e; for f in $(VCE_CONF_SAMPLES) $(VCE_DIALPLAN); do \
	  n=`basename $$f .sample`; t=$(DESTDIR)$(vceconfdir)/$$n; \
	  if test -f $$t && ! cmp -s $$f $$t; then \
	    echo "install: keeping $$t (new version as $$t.dist)"; $(INSTALL_DATA) $$f $$t.dist; \
	  else $(INSTALL_DATA) $$f $$t; fi; \
	  $(SHELL) $(srcdir)/contrib/man/conf2man $$f $$n $(PACKAGE_VERSION) $(vceconfdir) >$(DESTDIR)$(man5dir)/$$n.5; \
	done
	$(INSTALL_DATA) $(srcdir)/contrib/fail2ban/filter.d/vced.conf $(DESTDIR)$(fail2bandir)/filter.d/vced.conf
	$(INSTALL_DATA) $(srcdir)/contrib/fail2ban/jail.d/vced.conf $(DESTDIR)$(fail2bandir)/jail.d/vced.conf

uninstall-local:
	@for f in $(VCE_CONF_SAMPLES) $(VCE_DIALPLAN); do n=`basename $$f .sample`; \
	  rm -f $(DESTDIR)$(man5dir)/$$n.5; \
	  cmp -s $$f $(DESTDIR)$(vceconfdir)/$$n && rm -f $(DESTDIR)$(vceconfdir)/$$n; \
	  rm -f $(DESTDIR)$(vceconfdir)/$$n.dist; done; true
	rm -f $(DESTDIR)$(fail2bandir)/filter.d/vced.conf $(DESTDIR)$(fail2bandir)/jail.d/vced.conf
	-rmdir $(DESTDIR)$(vceconfdir)
