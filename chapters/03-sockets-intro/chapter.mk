# Chapter 3: sockets introduction.
CH03 := 03-sockets-intro

# Lab 3: the student writes lib/readio.c and lib/sock_ntop.c.
$(eval $(call lab,03,$(CH03),readio.c sock_ntop.c,lib,,lib/readio.o lib/sock_ntop.o))
