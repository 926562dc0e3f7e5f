"""Requests kazoo has no method for (createContainer, createTTL, getEphemerals,
getAllChildrenNumber, whoAmI, create with arbitrary flags), sent through kazoo's own
connection: kazoo frames them, matches the reply by xid and maps error codes to its
exception classes exactly as for its built-in requests."""
from collections import namedtuple

from kazoo.protocol.serialization import (
    ZnodeStat,
    int_struct,
    long_struct,
    read_string,
    stat_struct,
    write_buffer,
    write_string,
)
from kazoo.security import OPEN_ACL_UNSAFE


def _write_acls(acls):
    b = bytearray(int_struct.pack(len(acls)))
    for acl in acls:
        b.extend(int_struct.pack(acl.perms) + write_string(acl.id.scheme) + write_string(acl.id.id))
    return b


def _read_path_stat(buf, offset):
    path, offset = read_string(buf, offset)
    return path, ZnodeStat._make(stat_struct.unpack_from(buf, offset))


def _read_strings(buf, offset):
    count = int_struct.unpack_from(buf, offset)[0]
    offset += int_struct.size
    out = []
    for _ in range(max(count, 0)):
        s, offset = read_string(buf, offset)
        out.append(s)
    return out, offset


class CreateFlags(namedtuple("CreateFlags", "path data acl flags")):
    """create (opcode 1) with any flags value; the reply is CreateResponse{path}."""

    type = 1

    def serialize(self):
        b = bytearray(write_string(self.path) + write_buffer(self.data))
        b += _write_acls(self.acl)
        b += int_struct.pack(self.flags)
        return b

    @classmethod
    def deserialize(cls, buf, offset):
        return read_string(buf, offset)[0]


class CreateContainer(CreateFlags):
    """createContainer (opcode 19); the reply is Create2Response{path, stat}."""

    type = 19

    @classmethod
    def deserialize(cls, buf, offset):
        return _read_path_stat(buf, offset)


class CreateTTL(namedtuple("CreateTTL", "path data acl flags ttl")):
    """createTTL (opcode 21): CreateTTLRequest{path, data, acl, flags, long ttl}."""

    type = 21

    def serialize(self):
        b = bytearray(write_string(self.path) + write_buffer(self.data))
        b += _write_acls(self.acl)
        b += int_struct.pack(self.flags)
        b += long_struct.pack(self.ttl)
        return b

    @classmethod
    def deserialize(cls, buf, offset):
        return _read_path_stat(buf, offset)


class GetEphemerals(namedtuple("GetEphemerals", "prefix")):
    type = 103

    def serialize(self):
        return bytearray(write_string(self.prefix))

    @classmethod
    def deserialize(cls, buf, offset):
        return _read_strings(buf, offset)[0]


class GetAllChildrenNumber(namedtuple("GetAllChildrenNumber", "path")):
    type = 104

    def serialize(self):
        return bytearray(write_string(self.path))

    @classmethod
    def deserialize(cls, buf, offset):
        return int_struct.unpack_from(buf, offset)[0]


class WhoAmI(namedtuple("WhoAmI", "")):
    type = 107

    def __bool__(self):
        # kazoo only completes requests that are truthy; an empty tuple is not.
        return True

    def serialize(self):
        return bytearray()

    @classmethod
    def deserialize(cls, buf, offset):
        count = int_struct.unpack_from(buf, offset)[0]
        offset += int_struct.size
        out = []
        for _ in range(max(count, 0)):
            scheme, offset = read_string(buf, offset)
            user, offset = read_string(buf, offset)
            out.append((scheme, user))
        return out


def call(client, request, timeout=10.0):
    """Send request on client's connection and return the decoded reply (or raise the
    kazoo exception for the reply's error code)."""
    result = client.handler.async_result()
    client._call(request, result)
    return result.get(timeout=timeout)


def create_container(client, path, data=b"", acl=None):
    return call(client, CreateContainer(path, data, acl or OPEN_ACL_UNSAFE, 4))


def create_ttl(client, path, ttl, data=b"", acl=None, sequence=False):
    return call(client, CreateTTL(path, data, acl or OPEN_ACL_UNSAFE, 6 if sequence else 5, ttl))
