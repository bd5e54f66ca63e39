// <arpa/inet.h> for the Windows build: inet_pton / inet_ntop come from Winsock.
#pragma once

#include <winsock2.h>
#include <ws2tcpip.h>
