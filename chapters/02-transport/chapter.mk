# Chapter 2: the transport layer.
CH02 := 02-transport

$(eval $(call example,$(CH02),tcpstate))
