"""Real files of every accepted type, built byte by byte for the tests (no fixtures on disk)."""

import io
import struct
import zipfile
import zlib


def pdf_bytes(text: str = "Gongkai") -> bytes:
    """A one-page PDF 1.4 with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A valid RGB PNG (signature, IHDR, IDAT, IEND with their CRCs)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\xc8\x10\x2e" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(raw))
        + _png_chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    """A JPEG/JFIF frame: SOI, the APP0 JFIF segment, a comment, EOI (what sniffing reads)."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x48\x00\x48\x00\x00"
    comment = "公开".encode()
    return (
        b"\xff\xd8"
        + b"\xff\xe0"
        + struct.pack(">H", len(app0) + 2)
        + app0
        + b"\xff\xfe"
        + struct.pack(">H", len(comment) + 2)
        + comment
        + b"\xff\xd9"
    )


def _zip(parts: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def docx_bytes(body_xml: str | None = None, *, document_xml: str | None = None) -> bytes:
    """A .docx with the parts mammoth reads: content types, package relationships and the
    main document. `body_xml` is the inside of <w:body>."""
    if body_xml is None:
        body_xml = (
            '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>总体要求</w:t></w:r></w:p>'
            "<w:p><w:r><w:t>各县（市、区）人民政府：</w:t></w:r></w:p>"
            "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>现将有关事项通知如下。</w:t></w:r></w:p>"
        )
    if document_xml is None:
        document_xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}"><w:body>{body_xml}</w:body></w:document>'  # noqa: E501
    return _zip(
        {
            "[Content_Types].xml": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/word/document.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
            ),
            "_rels/.rels": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId1" Type="{_REL}" Target="word/document.xml"/></Relationships>'
            ),
            "word/document.xml": document_xml,
        }
    )


def xlsx_bytes() -> bytes:
    """A workbook with one sheet and one inline-string cell."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return _zip(
        {
            "[Content_Types].xml": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
            ),
            "_rels/.rels": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
            "xl/workbook.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
                '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
            ),
            "xl/_rels/workbook.xml.rels": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
            ),
            "xl/worksheets/sheet1.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>'
                '<row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c></row></sheetData></worksheet>'
            ),
        }
    )


def ofd_bytes() -> bytes:
    """An OFD package (GB/T 33190-2016): the entry file OFD.xml and one document."""
    ns = "http://www.ofdspec.org/2016"
    return _zip(
        {
            "OFD.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{ns}" Version="1.0" DocType="OFD">'
                "<ofd:DocBody><ofd:DocInfo><ofd:DocID>0</ofd:DocID></ofd:DocInfo>"
                "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
            ),
            "Doc_0/Document.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{ns}">'
                "<ofd:CommonData><ofd:MaxUnitID>1</ofd:MaxUnitID></ofd:CommonData></ofd:Document>"
            ),
        }
    )


def zip_bomb_docx(declared: int = 4 * 1024 * 1024 * 1024) -> bytes:
    """A .docx-shaped ZIP whose central directory declares `declared` unpacked bytes for a
    member that is a few bytes long: the guard must refuse it without unpacking."""
    data = bytearray(docx_bytes())
    member = b"word/document.xml"
    position = data.find(b"PK\x01\x02")  # the first central directory header
    while position != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        name = bytes(data[position + 46 : position + 46 + name_length])
        if name == member:
            # Central directory header: uncompressed size at offset 24 (4 bytes).
            struct.pack_into("<I", data, position + 24, min(declared, 0xFFFFFFFE))
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(data)


def deflate_bomb_docx(unpacked: int = 20 * 1024 * 1024) -> bytes:
    """An honest .docx-shaped ZIP with one member of `unpacked` zero bytes: a tiny file
    whose compression ratio is about 1000:1."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/padding.bin", "w") as member:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(unpacked // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


# --- OLE2 compound files (MS-CFB), which olefile can read but not write -------------

_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
_NOSTREAM = 0xFFFFFFFF


def _dir_entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), kind, 1)  # name length, object type, colour (black)
        + struct.pack("<III", _NOSTREAM, _NOSTREAM, child)  # left, right, child
        + b"\x00" * 16  # CLSID
        + struct.pack("<I", 0)  # state bits
        + b"\x00" * 16  # creation and modification times
        + struct.pack("<IQ", start, size)
    )


def ole_bytes(stream_name: str, payload_size: int = 4096) -> bytes:
    """A version-3 compound file holding one stream (`WordDocument` makes a .doc,
    `Workbook` an .xls). The stream is at least 4096 bytes so it lives in regular sectors
    and no mini stream is needed. Layout: sector 0 FAT, sector 1 directory, then data."""
    payload_size = max(payload_size, 4096)
    data_sectors = (payload_size + 511) // 512
    fat = [_FAT, _END] + [3 + i if i < data_sectors - 1 else _END for i in range(data_sectors)]
    fat += [_FREE] * (128 - len(fat))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16  # CLSID
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)  # minor, major, byte order, sector shifts
        + b"\x00" * 6
        + struct.pack("<IIIII", 0, 1, 1, 0, 4096)  # dir sectors, FAT sectors, first dir sector, txn, cutoff
        + struct.pack("<IIII", _END, 0, _END, 0)  # mini FAT start and count, DIFAT start and count
        + struct.pack("<109I", 0, *([_FREE] * 108))
    )
    directory = (
        _dir_entry("Root Entry", 5, 1, _END, 0)
        + _dir_entry(stream_name, 2, _NOSTREAM, 2, payload_size)
        + _dir_entry("", 0, _NOSTREAM, 0, 0) * 2
    )
    payload = (b"Gongkai " * (payload_size // 8 + 1))[:payload_size].ljust(data_sectors * 512, b"\x00")
    return header + struct.pack("<128I", *fat) + directory + payload
