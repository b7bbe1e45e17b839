# Chapter 5: the TCP echo client and server, and where they break.
CH05 := 05-tcp-client-server

CH05_PROGRAMS := echosrv_v1 echosrv_wait1 echosrv_v2 echosrv_v3 echocli \
                 echocli5 echocli_split abortconn sumsrv_naive
$(foreach p,$(CH05_PROGRAMS),$(eval $(call example,$(CH05),$p)))
