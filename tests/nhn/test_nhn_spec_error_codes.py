"""Every code of NHN's SMS error code document (API response codes) typed by its meaning (0,
success, aside).

The codes and their meanings are copied from the document; each row names the class its
meaning calls for, and whether every batch of a bulk send would meet it (``fatal``).
"""

from __future__ import annotations

import pytest

from krsms import errors
from krsms.nhn.errors import (
    AttachmentNotFoundError,
    CategoryError,
    CategoryNotFoundError,
    MessageTypeError,
    NhnAuthenticationError,
    NhnNotFoundError,
    NhnRequestFormatError,
    NhnServerError,
    ReservationPassedError,
    SenderNumberError,
    SendError,
    SendNotFoundError,
    StatisticsError,
    TagError,
    TemplateError,
    TemplateKindError,
    TemplateNotFoundError,
    UnsubscribeError,
    UnsubscribeNotInUseError,
    error_class_for_code,
)

DOCUMENTED = [
    # 共通
    (-1000, NhnAuthenticationError),  # 無効なアプリケーションキー
    (-1001, NhnAuthenticationError),  # 存在しないアプリケーションキー
    (-1002, NhnAuthenticationError),  # 使用終了したアプリケーションキー
    (-1003, NhnAuthenticationError),  # プロジェクトに含まれていないメンバー
    (-1004, NhnAuthenticationError),  # 許可されていないIP
    (-9996, NhnRequestFormatError),  # 無効なcontectType
    (-9997, NhnRequestFormatError),  # 無効なJSON形式
    (-9998, NhnNotFoundError),  # 存在しないAPI
    (-9999, NhnServerError),  # システムエラー(予期せぬエラー)
    # 送信/照会
    (-1006, MessageTypeError),  # 無効な送信メッセージ(messageType)タイプ
    (-2000, SendError),  # 無効な日付形式
    (-2001, SendError),  # 受信者が空の場合
    (-2002, SendError),  # 添付ファイル名が無効な場合
    (-2003, SendError),  # 添付ファイルの拡張子がjpg、jpegではない場合
    (-2004, AttachmentNotFoundError),  # 添付ファイルが存在しない場合
    (-2005, SendError),  # 添付ファイルのサイズが300KBを超える場合
    (-2006, TemplateKindError),  # テンプレートに設定された送信タイプと、リクエストした送信タイプが一致しない
    (-2008, SendNotFoundError),  # リクエストID(requestId)が無効な場合
    (-2009, NhnServerError),  # 添付ファイルのアップロード中、サーバーエラーにより正常にアップロードされなかった
    (-2010, SendError),  # 添付ファイルのアップロードタイプが無効な場合(サーバーエラー): the request's type
    (-2011, SendError),  # 必須照会パラメータが空の場合
    (-2012, SendError),  # 詳細照会パラメータが無効な場合
    (-2014, SendError),  # タイトルまたは本文が空の場合
    (-2016, SendError),  # 受信者が1,000人を超える場合
    (-2017, SendError),  # Excel作成が失敗した場合
    (-2018, SendError),  # 受信者番号が空の場合
    (-2019, SendError),  # 受信者番号が無効な場合
    (-2021, NhnServerError),  # システムエラー(キュー保存失敗)
    (-2022, ReservationPassedError),  # リクエスト日時を現在時間より前に設定した場合
    (-2023, SendError),  # タイトルまたは本文に許可されていない文字(Emojiなど)
    (-4000, SendError),  # 照会範囲が1か月を超える場合
    # テンプレート
    (-2100, TemplateError),  # テンプレートIDが空の場合
    (-2101, TemplateError),  # すでに登録されているテンプレートID
    (-2102, TemplateError),  # テンプレート名が空の場合
    (-2103, TemplateError),  # 発信番号が空の場合
    (-2104, TemplateError),  # 送信タイプが空の場合(0: sms, 1: mms)
    (-2105, TemplateError),  # 本文が空の場合
    (-2106, TemplateError),  # 使用するかどうかが無効な場合
    (-2107, TemplateNotFoundError),  # 無効なテンプレートID(修正/削除時)
    (-2108, TemplateError),  # カテゴリーIDが空の場合
    (-2109, TemplateError),  # テンプレートIDが50文字を超える場合
    (-2110, TemplateNotFoundError),  # テンプレートが存在しない場合
    (-2111, TemplateError),  # 無効なテンプレートパラメータの場合
    (-2112, TemplateError),  # 登録できるテンプレートの最大数を超えた場合(最大:1000)
    (-2113, TemplateNotFoundError),  # すでに削除されているテンプレートID
    (-2114, TemplateError),  # タイトルが空の場合
    (-2115, TemplateError),  # タイトルが120文字を超える場合
    (-2116, TemplateError),  # 送信タイプがSMSで、本文が255文字を超える場合
    (-2117, TemplateError),  # 送信タイプがLMS/MMSで、本文が4000文字を超える場合
    (-2043, TemplateError),  # テンプレートに登録する添付ファイルがすでに別のテンプレートに登録されている
    # カテゴリー
    (-2200, CategoryError),  # 無効なカテゴリーパラメータ(登録時)
    (-2201, CategoryError),  # 無効なカテゴリーパラメータ(修正時)
    (-2202, CategoryNotFoundError),  # 無効なカテゴリー(カテゴリー照会失敗)
    (-2203, CategoryNotFoundError),  # 親カテゴリーが存在しない場合
    (-2204, CategoryError),  # 使用有無が無効な場合
    (-2205, CategoryError),  # 最上位カテゴリーを削除しようとした場合
    # 発信番号
    (-2312, SenderNumberError),  # 発信番号が空か未登録の状態
    (-2313, SenderNumberError),  # 遮断された発信番号
    (-2314, SenderNumberError),  # 発信番号登録リクエストのパラメータが無効
    # 統計
    (-2700, StatisticsError),  # 無効な統計範囲
    (-2701, StatisticsError),  # 無効な統計検索パラメータ
    (-2703, StatisticsError),  # 無効な統計詳細範囲
    # 080受信拒否
    (-6000, UnsubscribeNotInUseError),  # 受信拒否機能を使用していない
    (-6001, UnsubscribeError),  # 受信拒否された番号
    (-6003, UnsubscribeError),  # 本文に受信拒否案内メッセージがない
    (-6004, UnsubscribeNotInUseError),  # 受信拒否番号が使用されていない
    # タグ
    (-7000, NhnServerError),  # タグ内部エラー(API呼び出し失敗)
    (-7001, TagError),  # 無効なパラメータ
    (-7002, TagError),  # .csv読み込み失敗
]


@pytest.mark.parametrize(("code", "kind"), DOCUMENTED)
def test_a_documented_code_is_typed_by_its_meaning(code: int, kind: type[errors.ProviderError]) -> None:
    assert error_class_for_code(code) is kind


def test_an_upload_that_failed_on_nhn_servers_is_a_server_error() -> None:
    """-2009: "サーバーエラーにより正常にアップロードされなかった" — NHN's failure, not the
    request's: ``except krsms.ServerError`` catches it, and it may succeed when tried again."""
    error_class = error_class_for_code(-2009)

    assert issubclass(error_class, errors.ServerError)
    assert not issubclass(error_class, errors.BadRequestError)


def test_a_deleted_template_is_not_found_and_stops_a_bulk_send() -> None:
    """-2113: "すでに削除されているテンプレートID" — the template is gone, as with -2107 and
    -2110: every batch of a send naming it would be refused alike."""
    error_class = error_class_for_code(-2113)

    assert issubclass(error_class, errors.NotFoundError)
    assert issubclass(error_class, TemplateError)
    assert error_class.fatal
