"""What a clinic's shared device needs beyond the pages: the idle rule and the take-home summary.

May import: backcare.assessment, backcare.settings, segno (the QR code).
"""
