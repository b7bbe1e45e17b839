# Chapter 4: elementary TCP sockets.
CH04 := 04-elementary-tcp

CH04_PROGRAMS := daytimesrv_fork daytimesrv_noclose tcpconnect backlog
$(foreach p,$(CH04_PROGRAMS),$(eval $(call example,$(CH04),$p)))
